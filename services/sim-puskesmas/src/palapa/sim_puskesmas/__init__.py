"""sim-puskesmas: a stand-in for the health centres' queue app (its table antrian_pasien, its screens' writes)."""
