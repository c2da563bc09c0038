"""chainrule's nn: neurons, layers, MLPs, losses, optimizers, data and training on Values.

>>> import nn
>>> model = nn.MLP(2, [16, 16, 1], seed=0)      # micrograd's moons network
>>> model.num_parameters()
337
"""

from nn import data, init, losses, optim
from nn.module import MLP, Layer, Module, Neuron
from nn.optim import SGD, Adagrad, Adam, LinearDecay, RMSprop, StepDecay
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
    "History",
    "Layer",
    "LinearDecay",
    "Module",
    "Neuron",
    "RMSprop",
    "StepDecay",
    "TrainingError",
    "classification_accuracy",
    "data",
    "evaluate",
    "fit",
    "init",
    "load",
    "losses",
    "optim",
    "save",
    "train_step",
]
