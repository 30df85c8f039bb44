from .model import build
