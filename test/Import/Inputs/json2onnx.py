#!/usr/bin/python3
"""json2onnx.py IN.json OUT.onnx: an ONNX-JSON model (MessageToJson) as a
binary .onnx (needs python3-onnx). Used by the import tests."""
import sys

import onnx
from google.protobuf import json_format

with open(sys.argv[1]) as f:
    model = json_format.Parse(f.read(), onnx.ModelProto())
with open(sys.argv[2], "wb") as f:
    f.write(model.SerializeToString())
