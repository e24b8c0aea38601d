#!/usr/bin/env python3
"""Writes quantized ONNX test models and their reference outputs.

  quantize_qdq.py qdq FLOAT.onnx INPUT.raw OUT [--calibration N] [--seed S]
                  [--save-calibration FILE]
  quantize_qdq.py qlinear OUT [--seed S]

`qdq` quantizes an fp32 model the way ONNX Runtime's quantize_static writes
QDQ models: QuantizeLinear/DequantizeLinear on every Conv's and Gemm's
activation input and output (after the ReLU that follows a Conv alone),
uint8 asymmetric per-tensor activations from min/max over the calibration
inputs (seeded normal images, not INPUT.raw), int8 symmetric per-channel
weights and int32 biases (scale x_scale * w_scale) as initializers behind a
DequantizeLinear. Everything else (the SE blocks' pooling, FCs, gates and
products, the residual adds) stays float. Writes OUT.onnx, OUT.in.raw (a
copy of INPUT.raw) and OUT.out.raw, the QDQ model's output on it; prints
the output's cosine similarity to the fp32 model's and whether the top-5
classes agree.

`qlinear` writes a small graph of QLinearConv (dense and depthwise, with
biases) and QLinearMatMul between QuantizeLinear and DequantizeLinear, with
random int8/uint8 parameters: OUT.onnx, OUT.in.raw, OUT.out.raw.

The reference outputs come from an interpreter of the ONNX graph in this
file (PyTorch operators: float32 for float ops, exact integer arithmetic for
the QLinear ops), independent of se-mlir. Needs python3-onnx, python3-numpy
and python3-torch (scripts/install-deps.sh torch).

The committed models (models/quantized), from test/Import/ONNX/models:
  for m in se_resnet18 mobilenetv3_small efficientnet_b0; do
    /usr/bin/python3 quantize_qdq.py qdq small/$m.onnx small/$m.in.raw quantized/${m}_qdq
  done
  /usr/bin/python3 quantize_qdq.py qlinear quantized/qlinear
"""
import argparse
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

#===----------------------------------------------------------------------===#
# Interpreter
#===----------------------------------------------------------------------===#


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def per_axis(param, x, axis):
    """Reshapes a 1-D per-axis parameter to broadcast along `axis` of x."""
    if param.dim() == 0 or param.numel() == 1:
        return param.reshape(())
    shape = [1] * x.dim()
    shape[axis % x.dim()] = -1
    return param.reshape(shape)


def quantize(x, scale, zero_point, axis, signed):
    lo, hi = (-128, 127) if signed else (0, 255)
    scale = per_axis(scale.float(), x, axis)
    zero_point = per_axis(zero_point.double(), x, axis)
    # torch.round rounds half to even, as ONNX specifies.
    q = torch.round(x.float() / scale).double() + zero_point
    return torch.clamp(q, lo, hi)


def dequantize(q, scale, zero_point, axis):
    scale = per_axis(scale.float(), q, axis)
    zero_point = per_axis(zero_point.double(), q, axis)
    return (q.double() - zero_point).float() * scale


def conv2d(x, w, b, a):
    pads = a.get("pads", [0, 0, 0, 0])
    x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
    return F.conv2d(x, w, b, stride=a.get("strides", [1, 1]),
                    dilation=a.get("dilations", [1, 1]),
                    groups=a.get("group", 1))


def is_signed(tensor_type):
    return tensor_type == TensorProto.INT8


class Interpreter:
    """Evaluates an ONNX graph; quantized values are float64 tensors of
    integers, with their ONNX element type in `types`."""

    def __init__(self, model):
        self.model = model
        self.init = {t.name: numpy_helper.to_array(t)
                     for t in model.graph.initializer}
        self.init_types = {t.name: t.data_type
                           for t in model.graph.initializer}

    def run(self, feeds):
        env, types = {}, dict(self.init_types)
        for name, value in self.init.items():
            env[name] = torch.from_numpy(np.array(value))
        env.update({k: torch.from_numpy(v) for k, v in feeds.items()})
        for node in self.model.graph.node:
            ins = [env[n] if n else None for n in node.input]
            outs, out_type = self.eval(node, ins, types)
            for name, value in zip(node.output, outs):
                env[name] = value
                if out_type is not None:
                    types[name] = out_type
        return env

    def eval(self, node, ins, types):
        a, op = attrs(node), node.op_type
        x = ins[0] if ins else None
        if op == "Conv":
            return [conv2d(x, ins[1], ins[2] if len(ins) > 2 else None, a)], None
        if op == "Relu":
            return [torch.relu(x)], None
        if op == "Identity":
            return [x], None
        if op == "HardSwish":
            return [x * torch.clamp(x / 6 + 0.5, 0, 1)], None
        if op == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else -np.inf
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else np.inf
            return [torch.clamp(x, float(lo), float(hi))], None
        if op == "Sigmoid":
            return [torch.sigmoid(x)], None
        if op == "HardSigmoid":
            return [torch.clamp(a.get("alpha", 0.2) * x + a.get("beta", 0.5),
                                0, 1)], None
        if op == "Add":
            return [x + ins[1]], None
        if op == "Mul":
            return [x * ins[1]], None
        if op == "MatMul":
            return [x @ ins[1]], None
        if op == "Gemm":
            A = x.t() if a.get("transA", 0) else x
            B = ins[1].t() if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
            return [y], None
        if op == "GlobalAveragePool":
            return [x.mean(dim=(2, 3), keepdim=True)], None
        if op == "MaxPool":
            pads = a.get("pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3]
            return [F.max_pool2d(x, a["kernel_shape"], a.get("strides", 1),
                                 (pads[0], pads[1]),
                                 ceil_mode=bool(a.get("ceil_mode", 0)))], None
        if op == "Flatten":
            axis = a.get("axis", 1)
            return [x.reshape(int(np.prod(x.shape[:axis])), -1)], None
        if op == "Constant":
            return [torch.from_numpy(np.array(
                numpy_helper.to_array(a["value"])))], None
        if op == "Shape":
            return [torch.tensor(list(x.shape), dtype=torch.int64)], None
        if op == "Reshape":
            shape = [x.shape[i] if s == 0 else s
                     for i, s in enumerate(ins[1].tolist())]
            return [x.reshape(shape)], None
        if op == "Expand":
            shape = torch.broadcast_shapes(x.shape, tuple(ins[1].tolist()))
            return [x.expand(shape)], None
        if op == "QuantizeLinear":
            zp_type = types.get(node.input[2], TensorProto.UINT8) \
                if len(node.input) > 2 else TensorProto.UINT8
            zp = ins[2] if len(ins) > 2 else torch.zeros(())
            return [quantize(x, ins[1], zp, a.get("axis", 1),
                             is_signed(zp_type))], zp_type
        if op == "DequantizeLinear":
            zp = ins[2] if len(ins) > 2 else torch.zeros(())
            return [dequantize(x, ins[1], zp, a.get("axis", 1))], \
                TensorProto.FLOAT
        if op in ("QLinearConv", "QLinearMatMul"):
            xq, xs, xzp, wq, ws, wzp, ys, yzp = ins[:8]
            xi = xq.double() - xzp.double()
            if op == "QLinearConv":
                wi = wq.double() - per_axis(wzp.double(), wq, 0)
                acc = conv2d(xi, wi, None, a)
                if len(ins) > 8 and ins[8] is not None:
                    acc = acc + ins[8].double().reshape(1, -1, 1, 1)
                multiplier = (xs.float() * per_axis(ws.float(), acc, 1)
                              / ys.float())
            else:
                wi = wq.double() - per_axis(wzp.double(), wq, -1)
                acc = xi @ wi
                multiplier = xs.float() * per_axis(ws.float(), acc, -1) \
                    / ys.float()
            zp_type = types[node.input[7]]
            lo, hi = (-128, 127) if is_signed(zp_type) else (0, 255)
            y = torch.round(acc * multiplier.double()) + yzp.double()
            return [torch.clamp(y, lo, hi)], zp_type
        raise SystemExit(f"quantize_qdq.py: no interpreter for {op}")


#===----------------------------------------------------------------------===#
# QDQ quantization
#===----------------------------------------------------------------------===#


def activation_params(low, high):
    """uint8 asymmetric, the range widened to include 0 (as ORT does)."""
    low, high = min(low, 0.0), max(high, 0.0)
    scale = np.float32((high - low) / 255.0) if high > low else np.float32(1.0)
    zero_point = np.uint8(np.clip(np.round(-low / scale), 0, 255))
    return scale, zero_point


def opset_of(model):
    return max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def quantize_model(model, calibration):
    graph = model.graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    # Exporters share equal initializers through Identity nodes.
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in init:
            init[node.output[0]] = init[node.input[0]]
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    producers = {o: node for node in graph.node for o in node.output}

    # The tensors to quantize: every Conv's and Gemm's activation input and
    # output (the ReLU's output where a ReLU alone reads the Conv).
    graph_out = {o.name for o in graph.output}
    activations = []
    for node in graph.node:
        if node.op_type not in ("Conv", "Gemm"):
            continue
        activations.append(node.input[0])
        out = node.output[0]
        users = consumers.get(out, [])
        if len(users) == 1 and users[0].op_type == "Relu":
            out = users[0].output[0]
        if out not in graph_out:
            activations.append(out)
    activations = list(dict.fromkeys(activations))

    ranges = {}
    for feed in calibration:
        env = Interpreter(model).run(feed)
        for name in activations:
            v = env[name]
            lo, hi = float(v.min()), float(v.max())
            old = ranges.get(name, (lo, hi))
            ranges[name] = (min(old[0], lo), max(old[1], hi))

    nodes, inits, rename = [], [], {}
    kept = {t.name for t in graph.initializer}

    def add_init(name, array):
        inits.append(numpy_helper.from_array(array, name))

    def qdq(name):
        scale, zp = activation_params(*ranges[name])
        add_init(name + "_scale", np.array(scale, np.float32))
        add_init(name + "_zero_point", np.array(zp, np.uint8))
        nodes.append(helper.make_node(
            "QuantizeLinear", [name, name + "_scale", name + "_zero_point"],
            [name + "_quantized"], name=name + "_QuantizeLinear"))
        nodes.append(helper.make_node(
            "DequantizeLinear",
            [name + "_quantized", name + "_scale", name + "_zero_point"],
            [name + "_dequantized"], name=name + "_DequantizeLinear"))
        rename[name] = name + "_dequantized"
        return scale

    def weights(node, w_name, b_name, x_scale, out_axis):
        w = init[w_name].astype(np.float32)
        axes = tuple(i for i in range(w.ndim) if i != out_axis)
        w_scale = (np.abs(w).max(axis=axes) / 127.0).astype(np.float32)
        w_scale[w_scale == 0] = 1.0
        shape = [1] * w.ndim
        shape[out_axis] = -1
        wq = np.clip(np.round(w / w_scale.reshape(shape)), -127, 127)
        add_init(w_name + "_quantized", wq.astype(np.int8))
        add_init(w_name + "_scale", w_scale)
        add_init(w_name + "_zero_point", np.zeros(w_scale.shape, np.int8))
        nodes.append(helper.make_node(
            "DequantizeLinear", [w_name + "_quantized", w_name + "_scale",
                                 w_name + "_zero_point"],
            [w_name + "_dequantized"], axis=out_axis,
            name=w_name + "_DequantizeLinear"))
        if len(consumers.get(w_name, [])) == 1:
            kept.discard(w_name)
        result = [w_name + "_dequantized"]
        if b_name:
            b_scale = (np.float32(x_scale) * w_scale).astype(np.float32)
            bq = np.round(init[b_name] / b_scale).astype(np.int32)
            add_init(b_name + "_quantized", bq)
            add_init(b_name + "_scale", b_scale)
            add_init(b_name + "_zero_point", np.zeros(bq.shape, np.int32))
            nodes.append(helper.make_node(
                "DequantizeLinear", [b_name + "_quantized", b_name + "_scale",
                                     b_name + "_zero_point"],
                [b_name + "_dequantized"], axis=0,
                name=b_name + "_DequantizeLinear"))
            if len(consumers.get(b_name, [])) == 1:
                kept.discard(b_name)
            result.append(b_name + "_dequantized")
        return result

    scales = {}
    for name in activations:
        if name not in producers:  # a graph input
            scales[name] = qdq(name)
    for node in graph.node:
        new = onnx.NodeProto()
        new.CopyFrom(node)
        if node.op_type in ("Conv", "Gemm"):
            x = node.input[0]
            bias = node.input[2] if len(node.input) > 2 else ""
            out_axis = 0
            if node.op_type == "Gemm":
                out_axis = 0 if attrs(node).get("transB", 0) else 1
            del new.input[1:]
            new.input.extend(weights(node, node.input[1], bias, scales[x],
                                     out_axis))
        for i, name in enumerate(new.input):
            new.input[i] = rename.get(name, name)
        nodes.append(new)
        for name in node.output:
            if name in ranges:
                scales[name] = qdq(name)

    quantized = helper.make_model(
        helper.make_graph(nodes, graph.name + "_qdq", list(graph.input),
                          list(graph.output),
                          [t for t in graph.initializer if t.name in kept]
                          + inits),
        opset_imports=[helper.make_opsetid("", max(13, opset_of(model)))],
        producer_name="se-mlir quantize_qdq.py")
    onnx.checker.check_model(quantized)
    return quantized


#===----------------------------------------------------------------------===#
# QLinear ops
#===----------------------------------------------------------------------===#


def qlinear_model(rng):
    """x -> Q -> QLinearConv 3x3 (8 -> 16, bias) -> QLinearConv depthwise 3x3
    stride 2 (int8 activations) -> DQ -> Q, DQ per channel (int8) ->
    GlobalAveragePool -> Flatten -> Q -> QLinearMatMul (16 -> 10, per-column
    scales) -> DQ."""
    inits = []

    def add(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    f32, u8, i8 = np.float32, np.uint8, np.int8
    add("x_scale", np.array(0.02, f32))
    add("x_zp", np.array(120, u8))
    add("w1", rng.integers(-127, 128, (16, 8, 3, 3)).astype(i8))
    add("w1_scale", rng.uniform(0.002, 0.01, 16).astype(f32))
    add("w1_zp", np.zeros(16, i8))
    add("b1", rng.integers(-2000, 2000, 16).astype(np.int32))
    add("y1_scale", np.array(0.05, f32))
    add("y1_zp", np.array(-10, i8))
    add("w2", rng.integers(-127, 128, (16, 1, 3, 3)).astype(i8))
    add("w2_scale", np.array(0.01, f32))
    add("w2_zp", np.array(3, i8))
    add("y2_scale", np.array(0.08, f32))
    add("y2_zp", np.array(100, u8))
    add("c_scale", rng.uniform(0.02, 0.08, 16).astype(f32))
    add("c_zp", rng.integers(-20, 20, 16).astype(i8))
    add("p_scale", np.array(0.03, f32))
    add("p_zp", np.array(128, u8))
    add("m", rng.integers(-127, 128, (16, 10)).astype(i8))
    add("m_scale", rng.uniform(0.005, 0.02, 10).astype(f32))
    add("m_zp", np.zeros(10, i8))
    add("out_scale", np.array(0.1, f32))
    add("out_zp", np.array(128, u8))
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"],
                         name="quantize_x"),
        helper.make_node("QLinearConv", ["xq", "x_scale", "x_zp", "w1",
                                         "w1_scale", "w1_zp", "y1_scale",
                                         "y1_zp", "b1"], ["y1"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("QLinearConv", ["y1", "y1_scale", "y1_zp", "w2",
                                         "w2_scale", "w2_zp", "y2_scale",
                                         "y2_zp"], ["y2"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[2, 2], group=16, name="depthwise"),
        helper.make_node("DequantizeLinear", ["y2", "y2_scale", "y2_zp"],
                         ["y2f"], name="dequantize_y2"),
        helper.make_node("QuantizeLinear", ["y2f", "c_scale", "c_zp"],
                         ["y2c"], axis=1, name="quantize_per_channel"),
        helper.make_node("DequantizeLinear", ["y2c", "c_scale", "c_zp"],
                         ["y2cf"], axis=1, name="dequantize_per_channel"),
        helper.make_node("GlobalAveragePool", ["y2cf"], ["pooled"],
                         name="pool"),
        helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten"),
        helper.make_node("QuantizeLinear", ["flat", "p_scale", "p_zp"],
                         ["flatq"], name="quantize_pooled"),
        helper.make_node("QLinearMatMul", ["flatq", "p_scale", "p_zp", "m",
                                           "m_scale", "m_zp", "out_scale",
                                           "out_zp"], ["outq"],
                         name="classifier"),
        helper.make_node("DequantizeLinear", ["outq", "out_scale", "out_zp"],
                         ["y"], name="dequantize_y"),
    ]
    graph = helper.make_graph(
        nodes, "qlinear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="se-mlir quantize_qdq.py")
    onnx.checker.check_model(model)
    return model


#===----------------------------------------------------------------------===#
# Driver
#===----------------------------------------------------------------------===#


def input_info(model):
    init = {t.name for t in model.graph.initializer}
    info = [i for i in model.graph.input if i.name not in init][0]
    shape = [d.dim_value or 1 for d in info.type.tensor_type.shape.dim]
    return info.name, shape


def write(out, model, x, y):
    onnx.save(model, out + ".onnx")
    x.astype("<f4").tofile(out + ".in.raw")
    y.astype("<f4").tofile(out + ".out.raw")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    qdq = sub.add_parser("qdq")
    qdq.add_argument("model")
    qdq.add_argument("input")
    qdq.add_argument("out")
    qdq.add_argument("--calibration", type=int, default=8)
    qdq.add_argument("--seed", type=int, default=0)
    qdq.add_argument("--save-calibration", metavar="FILE",
                     help="also write the calibration inputs (raw f32, one "
                          "after another), for se-compile --calibration")
    ql = sub.add_parser("qlinear")
    ql.add_argument("out")
    ql.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    torch.set_num_threads(1)

    if args.mode == "qlinear":
        model = qlinear_model(rng)
        x = rng.normal(0, 1, (1, 8, 12, 12)).astype(np.float32)
        y = Interpreter(model).run({"x": x})["y"].numpy()
        write(args.out, model, x, y)
        return

    model = onnx.load(args.model)
    name, shape = input_info(model)
    x = np.fromfile(args.input, "<f4").reshape(shape)
    calibration = [{name: rng.normal(0, 1, shape).astype(np.float32)}
                   for _ in range(args.calibration)]
    if args.save_calibration:
        np.concatenate([feed[name] for feed in calibration]).tofile(
            args.save_calibration)
    quantized = quantize_model(model, calibration)
    output = model.graph.output[0].name
    want = Interpreter(model).run({name: x})[output].numpy().ravel()
    got = Interpreter(quantized).run({name: x})[output].numpy()
    flat = got.ravel()
    cosine = float(np.dot(want, flat) /
                   (np.linalg.norm(want) * np.linalg.norm(flat)))
    top5 = set(np.argsort(-want)[:5]) == set(np.argsort(-flat)[:5])
    print(f"{args.out}: cosine to fp32 {cosine:.6f}, max |diff| {np.abs(want - flat).max():.3g} of max |y| {np.abs(want).max():.3g}, same top-5: {top5}")
    write(args.out, quantized, x, got)


if __name__ == "__main__":
    sys.exit(main())
