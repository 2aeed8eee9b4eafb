# 1200 lets, each the last and one more fact: deep once the lets are expanded
printf '%s\n' 'policy "H" { title "hostile" version "1" effective 2020-01-01 codes "27279" }' 'import "case"'
echo 'let l0 = pain_caudal_to_l5'
i=1; while [ $i -lt 1200 ]; do echo "let l$i = l$((i - 1)) and pain_caudal_to_l5"; i=$((i + 1)); done
printf 'branch "B" "b" when true {\n  criterion "1" "c" { l1199 }\n}\n'
