"""rfc5269.scapy_layers."""
