"""Rewrites a weights file for tests of the readers' checks.

  edit_weights.py IN OUT overlap I   tensor I's data offset set to tensor
                                     I-1's, the checksum recomputed: a file
                                     that is intact but whose tensors share
                                     bytes
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "scripts"))
import se_weights  # noqa: E402


def offset_fields(blob):
    """Positions of each tensor's u64 data offset in the table."""
    (_, _, count, position, _, _, _, _, _) = se_weights.HEADER.unpack_from(blob)
    fields = []
    for _ in range(count):
        (size,) = struct.unpack_from("<I", blob, position)
        position += 4 + size
        _, rank = struct.unpack_from("<II", blob, position)
        position += 8 + 8 * rank
        fields.append(position)
        position += 16
    return fields


def main():
    source, target, action, index = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    blob = bytearray(open(source, "rb").read())
    assert action == "overlap"
    fields = offset_fields(blob)
    (previous,) = struct.unpack_from("<Q", blob, fields[index - 1])
    struct.pack_into("<Q", blob, fields[index], previous)
    (_, _, _, _, data_offset, data_bytes, _, _, _) = \
        se_weights.HEADER.unpack_from(blob)
    checksum = se_weights._checksum(blob[:data_offset],
                                    blob[data_offset:data_offset + data_bytes])
    struct.pack_into("<Q", blob, se_weights.CHECKSUM_OFFSET, checksum)
    open(target, "wb").write(blob)


if __name__ == "__main__":
    main()
