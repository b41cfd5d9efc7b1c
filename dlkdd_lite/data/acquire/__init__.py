"""data.acquire: getting the real datasets and pretrained weights onto disk, resumably and checked.

``download`` (dlkdd download: fetch, unpack, verify), ``fetch`` (HTTP(S), Google Drive and OneDrive links, resumed),
``archive`` (zip / tar unpacking, safely), ``verify`` (a folder against its split lists), ``prepare`` (a resized
copy for the paper tier), ``weights`` (torchvision's Kinetics-400 backbones).
"""
