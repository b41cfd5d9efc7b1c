"""runtime: where and how fast runs execute; nothing here changes what a run computes.

``device`` (CPU / CUDA / MPS choice, mixed precision, allocator tuning, RNG state), ``distributed`` (torchrun,
DistributedDataParallel, epoch sampling), ``pool`` (runs side by side in processes), ``teacher_memo`` (a frozen
teacher's logits kept for reuse), ``atomic`` (files written whole or not at all), ``progress`` (tqdm).
"""
