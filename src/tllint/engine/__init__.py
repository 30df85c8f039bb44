"""The script model: an abstract interpretation of a training script that rules query."""
