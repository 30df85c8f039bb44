from data import make_datasets
from model import build

train_ds, val_ds = make_datasets("flowers")
model = build(5)
model.fit(train_ds, validation_data=val_ds, epochs=5)
