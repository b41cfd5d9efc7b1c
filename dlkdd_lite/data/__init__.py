"""data: from files on disk to batches of aligned dark and enhanced clips.

``dataset`` (DarkVideoDataset, batch_loader), ``video`` (decoding), ``sampling`` and ``rng`` (which frames,
which crop), ``decode_cache`` and ``enhanced_cache`` (each video decoded and enhanced once), ``splits`` and
``registry`` (split lists, the known datasets and their layouts), ``encode`` (writing videos). Subpackages:
``synth`` (the quick tier's generated videos) and ``acquire`` (downloading, verifying and preparing the real
datasets and pretrained weights). Imports nothing here: ``import dlkdd_lite.data`` stays cheap.
"""
