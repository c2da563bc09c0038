"""Gradient-flow diagrams of computation graphs (``draw``) and what they are made of.

``scene`` decides what is drawn (``grouping`` says what ``collapse`` groups), ``gradients``
which values and gradients are known, ``cells`` what changes between frames, ``circuit`` and
``record`` the two looks, ``labels`` the numbers and escaped text, ``diagram`` saving and
rendering, and ``player`` the stepper's HTML page and GIF.
"""

from autograd.drawing.diagram import Diagram, DotNotFoundError
from autograd.drawing.draw import draw
from autograd.drawing.grouping import Group, Grouping, register_grouping

__all__ = ["Diagram", "DotNotFoundError", "Group", "Grouping", "draw", "register_grouping"]
