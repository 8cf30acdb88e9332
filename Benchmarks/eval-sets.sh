# Sourced by Benchmarks/retrieval and Benchmarks/answers: the question sets they measure
# and the index each set is asked against. Needs ROOT, DOCQA, WORK and say().
#   samples  samples/questions.jsonl              over samples/case-file
#   real     Benchmarks/eval/questions.jsonl       over Benchmarks/eval/documents
#   hard     Benchmarks/eval/questions-hard.jsonl  over the same index as real
#   second   Benchmarks/eval2/questions.jsonl      over Benchmarks/eval2/documents
#   yesno    Benchmarks/eval/questions-yesno.jsonl  over the same index as real
#   yesno2   Benchmarks/eval2/questions-yesno.jsonl over the same index as second
#   third    Benchmarks/eval3/questions.jsonl      over Benchmarks/eval3/documents
#   fourth   Benchmarks/eval4/questions.jsonl      over Benchmarks/eval4/documents
#   fifth    Benchmarks/eval5/questions.jsonl      over Benchmarks/eval5/documents
#   sixth    Benchmarks/eval6/questions.jsonl      over Benchmarks/eval6/documents
declare -A DOCS=([samples]=samples [real]=real [hard]=real [second]=second [yesno]=real [yesno2]=second [third]=third [fourth]=fourth [fifth]=fifth [sixth]=sixth)
declare -A QUESTIONS=([samples]=$ROOT/samples/questions.jsonl [real]=$ROOT/Benchmarks/eval/questions.jsonl
                      [hard]=$ROOT/Benchmarks/eval/questions-hard.jsonl [second]=$ROOT/Benchmarks/eval2/questions.jsonl
                      [yesno]=$ROOT/Benchmarks/eval/questions-yesno.jsonl [yesno2]=$ROOT/Benchmarks/eval2/questions-yesno.jsonl
                      [third]=$ROOT/Benchmarks/eval3/questions.jsonl
                      [fourth]=$ROOT/Benchmarks/eval4/questions.jsonl
                      [fifth]=$ROOT/Benchmarks/eval5/questions.jsonl
                      [sixth]=$ROOT/Benchmarks/eval6/questions.jsonl)
ALL_SETS=(samples real hard second yesno yesno2 third fourth fifth sixth)

# Indexes the six document folders into $WORK (brought up to date if kept there).
index_sets() {
    say "indexing the samples and the six real-document sets"
    "$DOCQA" index "$ROOT/samples/case-file" --index "$WORK/samples.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval/documents" --index "$WORK/real.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval2/documents" --index "$WORK/second.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval3/documents" --index "$WORK/third.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval4/documents" --index "$WORK/fourth.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval5/documents" --index "$WORK/fifth.sqlite" --quiet >/dev/null
    "$DOCQA" index "$ROOT/Benchmarks/eval6/documents" --index "$WORK/sixth.sqlite" --quiet >/dev/null
}
