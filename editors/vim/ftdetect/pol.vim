" editors/vim/ftdetect/pol.vim -- *.pol files are polc policies.
" Install: copy editors/vim/ into ~/.vim (or add it to 'runtimepath').
autocmd BufRead,BufNewFile *.pol setfiletype pol
