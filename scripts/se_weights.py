#!/usr/bin/env python3
"""Reads and writes se-mlir weights files (docs/weights-format.md).

Pure Python (struct/array); PyTorch is only needed for `from-torch`.

  se_weights.py list FILE                 names, shapes and sizes
  se_weights.py copy IN OUT               read and write again
  se_weights.py from-torch STATE.pt OUT   a torchvision-style state_dict
                                          (num_batches_tracked dropped)
"""
import array
import struct
import sys

MAGIC = b"SEWEIGHT"
VERSION = 2
ALIGNMENT = 64
CHECKSUM_OFFSET = 40
DTYPE_F32 = 1
HEADER = struct.Struct("<8sIIQQQQQQ")  # 64 bytes


def fnv1a64(data, value=14695981039346656037):
    for byte in data:
        value = ((value ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


def _align(value):
    return (value + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def write(path, tensors):
    """tensors: list of (name, shape, values), values a flat float sequence
    in row-major order."""
    table, data = bytearray(), bytearray()
    for name, shape, values in tensors:
        values = array.array("f", values)
        count = 1
        for extent in shape:
            count *= extent
        if len(values) != count:
            raise ValueError(f"{name}: {len(values)} values for shape {shape}")
        if sys.byteorder != "little":
            values.byteswap()
        data.extend(b"\0" * (_align(len(data)) - len(data)))
        offset = len(data)
        data.extend(values.tobytes())
        encoded = name.encode()
        table += struct.pack(f"<I{len(encoded)}sII", len(encoded), encoded,
                             DTYPE_F32, len(shape))
        table += struct.pack(f"<{len(shape)}q", *shape)
        table += struct.pack("<QQ", offset, 4 * count)
    data_offset = _align(HEADER.size + len(table))
    header = HEADER.pack(MAGIC, VERSION, len(tensors), HEADER.size,
                         data_offset, len(data), 0, 0, 0)
    prefix = bytearray(header + table)
    prefix += b"\0" * (data_offset - len(prefix))
    struct.pack_into("<Q", prefix, CHECKSUM_OFFSET, _checksum(prefix, data))
    with open(path, "wb") as file:
        file.write(prefix + data)


def _checksum(prefix, data):
    """Version 2: FNV-1a 64 of the header, table and padding (the checksum
    field read as zero), then the data."""
    prefix = bytearray(prefix)
    prefix[CHECKSUM_OFFSET:CHECKSUM_OFFSET + 8] = bytes(8)
    return fnv1a64(data, fnv1a64(prefix))


def read(path):
    """Returns [(name, shape, array('f'))], checking magic, version and
    checksum."""
    with open(path, "rb") as file:
        blob = file.read()
    if len(blob) < HEADER.size:
        raise ValueError(f"{path}: shorter than its header")
    (magic, version, count, table_offset, data_offset, data_bytes, checksum,
     _, _) = HEADER.unpack_from(blob)
    if magic != MAGIC or version not in (1, VERSION):
        raise ValueError(f"{path}: not a version 1 or {VERSION} weights file")
    data = blob[data_offset:data_offset + data_bytes]
    expected = fnv1a64(data) if version == 1 else \
        _checksum(blob[:data_offset], data)
    if len(data) != data_bytes or expected != checksum:
        raise ValueError(f"{path}: truncated or corrupt")
    tensors, position = [], table_offset
    for _ in range(count):
        (size,) = struct.unpack_from("<I", blob, position)
        position += 4
        name = blob[position:position + size].decode()
        position += size
        dtype, rank = struct.unpack_from("<II", blob, position)
        position += 8
        shape = list(struct.unpack_from(f"<{rank}q", blob, position))
        position += 8 * rank
        offset, nbytes = struct.unpack_from("<QQ", blob, position)
        position += 16
        if dtype != DTYPE_F32:
            raise ValueError(f"{path}: {name} is not f32")
        values = array.array("f")
        values.frombytes(data[offset:offset + nbytes])
        if sys.byteorder != "little":
            values.byteswap()
        tensors.append((name, shape, values))
    return tensors


def from_torch(state_path, out_path):
    import torch
    state = torch.load(state_path, map_location="cpu")
    if hasattr(state, "state_dict"):
        state = state.state_dict()
    tensors = [(name, list(t.shape), t.detach().float().contiguous().view(-1)
                .tolist()) for name, t in state.items()
               if not name.endswith("num_batches_tracked")]
    write(out_path, tensors)


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        for name, shape, values in read(argv[2]):
            print(f"{name} {'x'.join(map(str, shape))} {len(values)}")
    elif len(argv) == 4 and argv[1] == "copy":
        write(argv[3], read(argv[2]))
    elif len(argv) == 4 and argv[1] == "from-torch":
        from_torch(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
