# a 70000-byte string where a string fact is read (limit 65536)
printf '{"case_id": "hostile", "patient": {"sex": "'
head -c 70000 /dev/zero | tr '\0' x
printf '"}}\n'
