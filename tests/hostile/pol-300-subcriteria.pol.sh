# a composite criterion with 300 children
printf '%s\n' 'policy "H" { title "hostile" version "1" effective 2020-01-01 codes "27279" }' 'import "case"'
printf 'branch "B" "b" when true {\n  criterion "1" "c" all of {\n'
i=1; while [ $i -le 300 ]; do echo "    criterion \"1.$i\" \"c\" { true }"; i=$((i + 1)); done
printf '  }\n}\n'
