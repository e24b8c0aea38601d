# se-mlir: the README's two commands, `make check` and `make demo`, plus the
# steps they are made of. Each target installs missing packages first.
#   make check             build and run every test (lit + GoogleTest)
#   make demo              compile an SE block, link it with a C program, run
#   make check SANITIZE=1  the same suite built with ASan + UBSan
#   make check HOST_CPU=x86-64-v3
#                          the suite as a host of that CPU would run it
#                          (an AVX2-only one here; test/README.md)
#   make check-avx2        the numerics tests on the AVX2 code path
#   make tidy              clang-tidy (.clang-tidy) over lib/ and tools/;
#                          TIDY=regex picks the files
#   make format            clang-format (.clang-format) the C++ files that
#                          differ from origin/main
#   make bench             the SE block benchmark (benchmarks/README.md)
#   make bench-se-fusion   SE fusion against PyTorch and ONNX Runtime
#   make bench-cpu         networks against ONNX Runtime and PyTorch, and
#                          ResNet-50's convolutions against oneDNN
#   make bench-int8        quantized (QDQ) SE networks: int8 against fp32
#                          and ONNX Runtime (issue #18)
#   make bench-batch       throughput at batch 8: a model compiled for any
#                          batch against batch 1 and ONNX Runtime (#19)
#   make bench-idle        the first call after an idle period: OpenMP's
#                          default wait against spinning workers (#19)
#   make bench-networks    torchvision's SE networks (EfficientNet,
#                          MobileNetV3, RegNetY) and the SE-ResNets against
#                          ONNX Runtime and PyTorch, with SE-free twins

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
DEPS_EXTRA := sanitize
BUILD ?= build-sanitize
CMAKE_EXTRA := -DSE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
BUILD ?= build
CMAKE_EXTRA := -DCMAKE_BUILD_TYPE=Release
endif

LLVM_BIN := /usr/lib/llvm-22/bin
CC := $(LLVM_BIN)/clang
CXX := $(LLVM_BIN)/clang++
LIT_ARGS ?= -sv
HOST_CPU ?=
ifneq ($(HOST_CPU),)
LIT_ARGS += --param host_cpu=$(HOST_CPU)
endif
# The tests that run compiled code and check its numbers: the SE variant
# matrix, layer and model numerics, ONNX conformance (unittests/), the
# PyTorch exports and error corpus (test/Import), the linked programs, the
# own int8 quantization.
NUMERICS := unittests test/Import test/Integration test/se-run \
  test/se-compile/quantize.test

.PHONY: all deps configure build check check-avx2 tidy format demo bench \
  bench-se-fusion bench-cpu bench-networks bench-int8 bench-batch \
  bench-idle clean

all: build

deps:
	@scripts/install-deps.sh $(DEPS_EXTRA)

$(BUILD)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD) $(CMAKE_EXTRA) \
	  -DCMAKE_C_COMPILER=$(CC) -DCMAKE_CXX_COMPILER=$(CXX) \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_BIN)/lit -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

configure: $(BUILD)/build.ninja

build: configure
	ninja -C $(BUILD)

check: build
	LIT_OPTS="$(LIT_ARGS)" ninja -C $(BUILD) check-se

# x86-64-v3 is the AVX2 + FMA baseline every AVX2 host (Haswell, Zen 1 on)
# has, so this runs on any host that can run AVX2 code.
check-avx2: build
	$(LLVM_BIN)/lit $(LIT_ARGS) --param host_cpu=x86-64-v3 \
	  $(addprefix $(BUILD)/,$(NUMERICS))

TIDY ?= /(lib|tools)/
tidy: build
	@scripts/install-deps.sh lint
	$(LLVM_BIN)/run-clang-tidy -quiet -p $(BUILD) \
	  -clang-tidy-binary $(LLVM_BIN)/clang-tidy '$(TIDY)'

format:
	@scripts/install-deps.sh lint
	git clang-format --binary $(LLVM_BIN)/clang-format origin/main

DEMO := $(BUILD)/demo
demo: build
	@mkdir -p $(DEMO)
	$(BUILD)/bin/se-compile --model=se-resnet50 --stats -o $(DEMO)/se_resnet50.o
	$(BUILD)/bin/se-compile --model=resnet50 -o $(DEMO)/resnet50.o
	$(CC) -O2 -I$(DEMO) examples/model_demo.c $(DEMO)/se_resnet50.o \
	  $(DEMO)/resnet50.o -lomp -lm -o $(DEMO)/model_demo
	$(DEMO)/model_demo
	$(BUILD)/bin/se-compile examples/se_block.mlir -o $(DEMO)/se_block.o
	$(CC) -O2 -Iruntime/include examples/demo.c $(DEMO)/se_block.o -lm \
	  -o $(DEMO)/demo
	$(DEMO)/demo

bench: build
	$(BUILD)/benchmarks/se-block-bench

bench-cpu: build
	BUILD=$(BUILD) benchmarks/run-cpu.sh

bench-se-fusion: build
	BUILD=$(BUILD) benchmarks/run-se-fusion.sh

bench-networks: build
	BUILD=$(BUILD) benchmarks/run-networks.sh

bench-int8: build
	BUILD=$(BUILD) benchmarks/run-int8.sh

bench-batch: build
	BUILD=$(BUILD) benchmarks/run-batch.sh

bench-idle: build
	BUILD=$(BUILD) benchmarks/run-idle.sh

clean:
	rm -rf $(BUILD)
