"""The embedding backends on the real m3e-small weights: same vectors up to quantisation noise."""

import numpy as np
import pytest

from eval.naive import LangChainEmbeddings
from index.embedding import OnnxEmbedder, SentenceTransformerEmbedder, make_embedder
from index.errors import GovQAError


TEXTS = ["2022年坎墩街道地区生产总值是多少？", "街道預計可實現地區生產總值58億元，同比增長2.8%", "坎墩街道", "天气"]


@pytest.fixture(scope="module")
def torch_vectors():
    return np.array(SentenceTransformerEmbedder().embed(TEXTS))


@pytest.mark.parametrize("quantize, floor", [(False, 0.999), (True, 0.97)])
def test_onnx_backends_match_sentence_transformers(tmp_path_factory, torch_vectors, quantize, floor):
    vectors = np.array(OnnxEmbedder(cache_dir=tmp_path_factory.mktemp("models"), quantize=quantize).embed(TEXTS))
    assert vectors.shape == (len(TEXTS), 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert (vectors * torch_vectors).sum(axis=1).min() >= floor
    # Order is kept although batches are sorted by length internally.
    assert np.argmax(vectors @ vectors[1]) == 1


def test_related_texts_are_closer_than_unrelated(torch_vectors):
    question, answer, _, weather = torch_vectors
    assert question @ answer > question @ weather


def test_langchain_adapter_and_unknown_backend(tmp_path):
    embeddings = LangChainEmbeddings(make_embedder("m3e-small", "onnx-int8", 8, tmp_path))
    assert len(embeddings.embed_query("坎墩")) == 512 and len(embeddings.embed_documents(["a", "b"])) == 2
    with pytest.raises(GovQAError, match="未知的向量化后端"):
        make_embedder("m3e-small", "tensorflow", 8, tmp_path)


def test_onnx_tokenizer_cuts_as_transformers_does():
    """The ONNX backend reads tokenizer.json without transformers (which imports torch): same ids, masks
    and type ids as AutoTokenizer, padded to the batch's longest and truncated at 512 tokens."""
    from transformers import AutoTokenizer

    from index.embedding import _fast_tokenizer, packaged_model_path

    texts = [*TEXTS, "长" * 700, "Hello World 123"]
    ours = _fast_tokenizer(packaged_model_path()).encode_batch(texts)
    theirs = AutoTokenizer.from_pretrained(str(packaged_model_path()))(texts, padding=True, truncation=True,
                                                                        max_length=512, return_tensors="np")
    for field, key in (("ids", "input_ids"), ("attention_mask", "attention_mask"), ("type_ids", "token_type_ids")):
        assert np.array_equal(np.array([getattr(e, field) for e in ours]), theirs[key]), field
