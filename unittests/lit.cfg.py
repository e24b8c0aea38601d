# -*- Python -*-
# Runs the GoogleTest unit tests (unittests/) under lit, one lit test per
# gtest case.

import os

import lit.formats

config.name = "SE-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.se_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
if config.se_sanitize:
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0"
# The CPU that stands for the host (see test/lit.cfg.py): the JIT-compiled
# numerics run on its code path.
host_cpu = lit_config.params.get("host_cpu", os.environ.get("SE_HOST_CPU", ""))
if host_cpu:
    config.environment["SE_HOST_CPU"] = host_cpu
