"""The graph's nodes, one module each; ``agent.graph`` wires them."""
