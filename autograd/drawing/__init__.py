"""Gradient-flow diagrams of computation graphs (``draw``) and what they are made of.

``scene`` decides what is drawn, ``gradients`` which gradients are known, ``circuit`` and
``record`` the two looks, ``labels`` the escaped text, ``diagram`` saving and rendering, and
``player`` the stepper's HTML page and GIF.
"""

from autograd.drawing.diagram import Diagram, DotNotFoundError
from autograd.drawing.draw import draw

__all__ = ["Diagram", "DotNotFoundError", "draw"]
