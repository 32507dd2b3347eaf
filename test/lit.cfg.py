# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "UNIT_SCALE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.uscale_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%examples", os.path.join(config.uscale_src_root, "examples")))
config.substitutions.append(("%uscale_src", config.uscale_src_root))
config.substitutions.append(("%uscale_lib", os.path.join(config.uscale_obj_root, "lib")))
config.substitutions.append(("%uscale_obj", config.uscale_obj_root))
config.substitutions.append(("%cxx_compiler", config.cxx_compiler))
config.substitutions.append(("%mlir_cmake_dir", config.mlir_cmake_dir))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.uscale_tools_dir, config.llvm_tools_dir]
# Execution tests: mlir-runner with the MLIR runtime support libraries.
config.substitutions.append(("%mlir_runner_libs", "-shared-libs=" + ",".join(
    os.path.join(config.mlir_lib_dir, l) for l in
    ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"])))

tools = ["unit-scale-opt", "unit-scale-translate", "mlir-opt", "mlir-runner",
         "unit-scale-compile", "unit-scale-run",
         ToolSubst("%mlir_lib_dir", config.mlir_lib_dir)]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Debian's fortunes package: the English text of the character LM tests
# (utils/setup.sh installs it).
if os.path.isfile("/usr/share/games/fortunes/fortunes"):
    config.available_features.add("fortunes")
