# -*- Python -*-
import os
import lit.formats

config.name = "UNIT_SCALE-Unit"
config.suffixes = []
config.test_source_root = config.uscale_unittests_dir
config.test_exec_root = config.uscale_unittests_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
