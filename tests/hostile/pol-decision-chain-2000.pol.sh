# a decision condition of 2000 terms
printf '%s\n' 'policy "H" { title "hostile" version "1" effective 2020-01-01 codes "27279" }' 'import "case"'
printf 'branch "B" "b" when true {\n  criterion "1" "c" { true }\n}\ndecision {\n  deny when failed'
i=1; while [ $i -lt 2000 ]; do printf ' or failed'; i=$((i + 1)); done
printf '\n  approve otherwise\n}\n'
