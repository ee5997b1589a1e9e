"""Fine-tune a base model on a corpus (example)."""

from datasets import load_dataset
from transformers import AutoModelForCausalLM

corpus = load_dataset("example-org/web-corpus", split="train")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")
