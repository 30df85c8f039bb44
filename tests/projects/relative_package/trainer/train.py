from . import model as models
from .data import load


def main():
    train = load("images/train")
    net = models.build()
    net.fit(train, epochs=10)


if __name__ == "__main__":
    main()
