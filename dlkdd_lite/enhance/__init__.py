"""enhance: turning dark frames into brighter ones, the teacher's view.

``enhancers`` (build_enhancer: gamma, histogram equalisation, Zero-DCE, none), ``zerodce`` (DCE-Net and its curves),
``zerodce_train`` (training it without references, dlkdd zerodce), ``quality`` (brightness, contrast, noise stats).
"""
