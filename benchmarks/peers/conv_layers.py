#!/usr/bin/env python3
"""One TOSA function per convolution shape, for se-compile: run-cpu.sh's
per-layer side.

  conv_layers.py SHAPES OUTDIR

For each line of SHAPES (resnet50_convs.txt: name channels filters size
kernel stride pad count) writes OUTDIR/NAME.mlir: an NHWC input, the
convolution with seeded weights and a bias, and ReLU, as a model's layer
is compiled (and as dnnl_conv_bench runs it). TOSA wants the padded extent
minus the kernel divisible by the stride: the bottom and right padding
shrink first (never read), then the input (rows a strided 1x1 convolution
never reads), so the output size is PyTorch's and oneDNN's.
"""
import os
import random
import struct
import sys


def hex_blob(values):
    data = struct.pack("<I", 4) + struct.pack(f"<{len(values)}f", *values)
    return "0x" + data.hex().upper()


def layer(name, c, f, size, k, s, pad):
    out = (size + 2 * pad - k) // s + 1
    low, high = pad, pad
    while (size - 1 + low + high - (k - 1)) % s:
        if high > 0:
            high -= 1
        else:
            size -= 1
    assert (size - 1 + low + high - (k - 1)) // s + 1 == out, name
    rng = random.Random(name)
    weights = [rng.uniform(-0.1, 0.1) for _ in range(f * k * k * c)]
    bias = [rng.uniform(-0.1, 0.1) for _ in range(f)]
    x, y = f"1x{size}x{size}x{c}xf32", f"1x{out}x{out}x{f}xf32"
    w = f"{f}x{k}x{k}x{c}xf32"
    return f"""func.func @{name}(%x: tensor<{x}>) -> tensor<{y}> {{
  %w = "tosa.const"() <{{values = dense_resource<weights> : tensor<{w}>}}> : () -> tensor<{w}>
  %b = "tosa.const"() <{{values = dense_resource<bias> : tensor<{f}xf32>}}> : () -> tensor<{f}xf32>
  %zp = "tosa.const"() <{{values = dense<0.0> : tensor<1xf32>}}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: {low}, {high}, {low}, {high}>, stride = array<i64: {s}, {s}>}} : (tensor<{x}>, tensor<{w}>, tensor<{f}xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<{y}>
  %r = tosa.clamp %c {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : (tensor<{y}>) -> tensor<{y}>
  return %r : tensor<{y}>
}}
{{-#
  dialect_resources: {{
    builtin: {{
      weights: "{hex_blob(weights)}",
      bias: "{hex_blob(bias)}"
    }}
  }}
#-}}
"""


def main():
    shapes, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    with open(shapes) as lines:
        for line in lines:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            name = fields[0]
            c, f, size, k, s, pad = map(int, fields[1:7])
            with open(os.path.join(outdir, name + ".mlir"), "w") as out:
                out.write(layer(name, c, f, size, k, s, pad))


if __name__ == "__main__":
    main()
