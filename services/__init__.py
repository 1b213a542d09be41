"""The five Omsorg services."""
