// The busybox sh script (pipelines, subshells, command substitution, here-document,
// background job + wait, xargs, find -exec, loops, sh -c 'exit 3'): process.test.ts runs it with
// x86-64 busybox against native, jobs.test.ts with arm64 busybox against qemu-aarch64.
export const BUSYBOX_SCRIPT = `echo start
echo one two three | tr ' ' '\\n' | sort -r
for i in 1 2 3; do echo "n=$i" | cat; done
x=$(echo inner; echo two)
echo "x=[$x]"
( cd /; pwd; exit 4 ); echo "sub=$?"
cat <<END
here $x
doc
END
sleep 0.05 & p=$!; wait $p; echo "bg=$?"
printf 'a\\nb\\nc\\n' | xargs echo got
find "$D" -name 'f*' -exec echo found {} \\;
sh -c 'exit 3'; echo "st=$?"
false | true; echo "pipe=$?"
seq 1 5 | while read n; do echo "r$n"; done | tail -2
for f in a b; do basename /x/$f.txt .txt; done
echo done
`;
