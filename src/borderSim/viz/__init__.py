"""The browser visualisation: Mesa's SolaraViz page for the border model (``borderSim viz``)."""
