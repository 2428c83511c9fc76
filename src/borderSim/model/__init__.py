"""The Mesa engine: :class:`BorderModel` and its agents."""

from borderSim.model.agents import China, Government, Kyrgyzstan, Mediator, Tajikistan, Village
from borderSim.model.model import BorderModel

__all__ = ["BorderModel", "China", "Government", "Kyrgyzstan", "Mediator", "Tajikistan", "Village"]
