#!/usr/bin/env python3
"""FAISS IndexFlatIP (exact inner-product search) on the gallery and probes IdentificationBenchmark wrote:
one thread, one probe per search, top-2 as the gallery asks. Prints JSON: the median ms per probe and the top-1 rows.

Usage: faiss_flatip.py GALLERY.f32 PROBES.f32 ROWS DIM   (little-endian float32, row-major)"""
import json
import sys
import time

import faiss
import numpy as np

gallery_path, probes_path, rows, dim = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
faiss.omp_set_num_threads(1)
index = faiss.IndexFlatIP(dim)
index.add(np.fromfile(gallery_path, dtype="<f4").reshape(rows, dim))
probes = np.fromfile(probes_path, dtype="<f4").reshape(-1, dim)

for i in range(min(len(probes), 100)):  # warm-up, as on the Java side
    index.search(probes[i:i + 1], 2)
times, top1 = [], []
for i in range(len(probes)):
    start = time.perf_counter()
    _, ids = index.search(probes[i:i + 1], 2)
    times.append((time.perf_counter() - start) * 1000)
    top1.append(int(ids[0, 0]))
print(json.dumps({"median_ms": float(np.median(times)), "top1": top1}))
