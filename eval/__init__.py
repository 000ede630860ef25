"""Evaluation: the question sets, the harness that scores the assistant, the naive baseline and the gate.

Import submodules explicitly (`from eval.harness import evaluate`): a bare `import eval` hides the builtin.
"""
