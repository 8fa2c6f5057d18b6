"""bridge-psc119: the PSC 119 emergency app (Dinkes PPKB) → palapa.emergency.incidents.v1."""
