// Owns: commander's own texts in Vietnamese with English — help headings (Usage, Options,
// Commands, Arguments), the help option and command, "(default: …)", and every parse error
// (required option, unknown command or option, missing argument, too many arguments).
import { Help, type Command, type Option } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': 'Cách dùng / Usage:',
  'Options:': 'Tuỳ chọn / Options:',
  'Global Options:': 'Tuỳ chọn chung / Global Options:',
  'Commands:': 'Lệnh / Commands:',
  'Arguments:': 'Tham số / Arguments:',
};

/** Commander's error lines (always English, "error: …") → Vietnamese / English. */
const ERRORS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^error: required option '(.+)' not specified$/, (o) => `lỗi: thiếu tuỳ chọn bắt buộc '${o}' / error: required option '${o}' not specified`],
  [/^error: unknown command '(.+)'$/, (c) => `lỗi: không có lệnh '${c}' / error: unknown command '${c}'`],
  [/^error: unknown option '(.+)'$/, (o) => `lỗi: không có tuỳ chọn '${o}' / error: unknown option '${o}'`],
  [/^error: missing required argument '(.+)'$/, (a) => `lỗi: thiếu tham số bắt buộc '${a}' / error: missing required argument '${a}'`],
  [/^error: option '(.+)' argument missing$/, (o) => `lỗi: tuỳ chọn '${o}' cần một giá trị / error: option '${o}' argument missing`],
  [
    /^error: too many arguments(.*)\. Expected (\d+) arguments? but got (\d+)\.$/,
    (f, e, g) => `lỗi: thừa tham số${f ? ` (${f.replace(/^ for /, 'lệnh ')})` : ''}: cần ${e}, nhận ${g} / error: too many arguments${f}: expected ${e}, got ${g}`,
  ],
  [/^error: (.+) cannot be used with (.+)$/, (a, b) => `lỗi: ${a} không dùng cùng ${b} / error: ${a} cannot be used with ${b}`],
  [/^\(Did you mean (.+)\?\)$/, (s) => `(Có phải ý bạn là ${s}? / Did you mean ${s}?)`],
  [/^error: (.+)$/, (rest) => `lỗi / error: ${rest}`],
];

/** One error text of commander's, line by line, in Vietnamese / English. */
export function translateError(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      for (const [re, f] of ERRORS) {
        const m = re.exec(line);
        if (m) return f(...m.slice(1));
      }
      return line;
    })
    .join('\n');
}

/**
 * Set commander's texts on `program` before any sub-command is added (sub-commands inherit the
 * help and output settings from their parent when `.command()` creates them).
 */
export function localise(program: Command): Command {
  return program
    .helpOption('-h, --help', 'xem trợ giúp / display help for command')
    .helpCommand('help [command]', 'xem trợ giúp của một lệnh / display help for command')
    .showHelpAfterError('(thêm --help để xem cách dùng / add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(translateError(text.replace(/\n$/, '')) + '\n') })
    .configureHelp({
      styleTitle: (title: string) => TITLES[title] ?? title,
      optionDescription(this: Help, option: Option) {
        return Help.prototype.optionDescription
          .call(this, option)
          .replace(/\(default: /, '(mặc định / default: ')
          .replace(/\(choices: /, '(chọn / choices: ')
          .replace(/, default: /, ', mặc định / default: ');
      },
    });
}
