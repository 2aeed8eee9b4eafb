# a 20 MB case: over the 16 MiB limit
printf '{"case_id": "big", "padding": "'
head -c 20000000 /dev/zero | tr '\0' x
printf '"}\n'
