// The bench scripts' command-line options.

/** The number after `name` in `args` (`--rounds 5`), or `fallback` when `name` is absent. */
export function numberOption(args, name, fallback) {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
}
