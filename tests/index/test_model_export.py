"""The ONNX model is exported and quantized once, even when several processes (test workers, serve and
ingest on a fresh machine) ask for it at once."""

import threading
import time
from pathlib import Path

import onnxruntime.quantization as quantization

import index.embedding as embedding


def test_two_exports_at_once_quantize_once_and_both_get_the_model(tmp_path, monkeypatch):
    quantized = []

    def export(source, out: Path) -> None:
        time.sleep(0.1)
        out.write_bytes(b"fp32")

    def quantize(model_input: str, model_output: str, **kwargs) -> None:
        # Like onnxruntime's: shape inference is written beside the input, read back and deleted.
        inferred = Path(model_input).with_name(Path(model_input).stem + "-inferred.onnx")
        inferred.write_bytes(b"inferred")
        time.sleep(0.2)
        inferred.read_bytes()
        inferred.unlink()
        Path(model_output).write_bytes(b"int8")
        quantized.append(model_output)

    monkeypatch.setattr(embedding, "resolve_model", lambda name: str(tmp_path / "source"))
    monkeypatch.setattr(embedding, "_export_onnx", export)
    monkeypatch.setattr(quantization, "quantize_dynamic", quantize)
    got, errors = [], []

    def model_file() -> None:
        try:
            got.append(embedding.OnnxEmbedder("m3e", tmp_path / "models")._model_file())
        except Exception as exc:  # noqa: BLE001 - the failure under test is any error of the other export
            errors.append(exc)

    threads = [threading.Thread(target=model_file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(quantized) == 1
    assert [path.read_bytes() for path in got] == [b"int8", b"int8"]
