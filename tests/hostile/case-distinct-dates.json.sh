# 60000 injections with distinct dates: count distinct is quadratic, the
# instruction budget stops it
python3 -c '
import datetime, json
d = datetime.date(2000, 1, 1)
inj = [{"date": (d + datetime.timedelta(days=i)).isoformat(), "target": "sij"} for i in range(60000)]
print(json.dumps({"case_id": "hostile", "request": {"date": "2025-09-22", "procedures": [{"line": 1, "cpt": "27279"}]}, "injections": inj}))
'
