# 100001 conditions (limit 100000)
printf '{"case_id": "hostile", "conditions": ["c"'
head -c 100000 /dev/zero | tr '\0' x | sed 's/x/,"c"/g'
printf ']}\n'
