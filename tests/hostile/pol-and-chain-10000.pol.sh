# a 10000-term "a and a and ..." chain: deeper than 1000 levels
printf '%s\n' 'policy "H" { title "hostile" version "1" effective 2020-01-01 codes "27279" }' 'import "case"'
printf 'branch "B" "b" when true {\n  criterion "1" "c" { pain_caudal_to_l5'
i=1; while [ $i -lt 10000 ]; do printf ' and pain_caudal_to_l5'; i=$((i + 1)); done
printf ' }\n}\n'
