import flowers.preprocessing as pp
from flowers.data import make_dataset
from flowers.model import build_classifier

dataset = make_dataset("data/flowers").map(pp.scale)
model, backbone = build_classifier(5)
model.fit(dataset, epochs=3)
backbone.trainable = True
model.fit(dataset, epochs=3)
