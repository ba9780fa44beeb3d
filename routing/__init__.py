"""Pure routing: place text or point to municipality, report to roles to contact points."""
