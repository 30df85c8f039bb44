"""Entry point: the classes it uses live in src/."""
import argparse

from src.main import Experiment


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    return parser.parse_args()


if __name__ == "__main__":
    args = parse()
    exp = Experiment(name="resnet-run-1", model_name="resnet", img_size=224, fine_tuning=True)
    exp.train(batch_size=32, epochs=args.epochs)
