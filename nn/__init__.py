"""chainrule's nn: neurons, layers, MLPs, losses, optimizers, data and training on Values.

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], seed=0)      # micrograd's moons network
>>> model.num_parameters()
337
"""

from nn import data, init, losses, optim
from nn.conv import Conv2d, MaxPool2d
from nn.layers import Dropout, Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.module import MLP, Layer, Module, Neuron
from nn.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineDecay,
    LinearDecay,
    RMSprop,
    StepDecay,
    clip_grad_norm,
)
from nn.pytorch import to_torch
from nn.serialize import load, save
from nn.train import (
    History,
    TrainingError,
    classification_accuracy,
    evaluate,
    fit,
    train_step,
)

__all__ = [
    "MLP",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Conv2d",
    "CosineDecay",
    "Dropout",
    "Flatten",
    "History",
    "Layer",
    "Linear",
    "LinearDecay",
    "MaxPool2d",
    "Module",
    "Neuron",
    "RMSprop",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "StepDecay",
    "Tanh",
    "TrainingError",
    "classification_accuracy",
    "clip_grad_norm",
    "data",
    "evaluate",
    "fit",
    "init",
    "load",
    "losses",
    "optim",
    "save",
    "to_torch",
    "train_step",
]
