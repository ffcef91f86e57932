//! A bounded mutation fuzzer on the stable toolchain: mutated documentation pages must never make
//! the parser (or the emitter, on what still parses) panic or loop. Deterministic: a fixed seed and
//! a fixed number of cases (`VOLCGEN_FUZZ_CASES`, default 1500), so a failure reproduces.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that matter to the format, so mutations reach deep paths rather than just breaking
/// the first table.
const TOKENS: &[&str] = &[
    "|",
    "|\\",
    "\\|",
    "| --- |",
    "```",
    "```json",
    "## 请求参数",
    "### Body",
    "### Query",
    "## 返回参数",
    "## 请求示例",
    "## 返回示例",
    "## 错误码",
    "**",
    "[X](#x)",
    "](#",
    "Object of ",
    "Array of ",
    "Object",
    "A.B",
    ".",
    "000",
    "-",
    "\n",
    "---",
    "<span id=\"x\"></span>",
    ":::tip",
    "<br>",
    "是",
    "否",
    "QPS 不得超过 ",
    "?Action=",
    "&Version=",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    "9999999999999999999999",
    "POST ",
    "GET ",
    "JSON Map",
    "Long",
    "string[]",
    "`",
    "：",
    "\u{feff}",
    "\r\n",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for _ in 0..1 + rng.below(4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.below(lines.len());
        match rng.below(7) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            3 | 4 => {
                let line = &mut lines[i];
                let cut = char_boundary(line, rng.below(line.len() + 1));
                let token = TOKENS[rng.below(TOKENS.len())];
                line.insert_str(cut, token);
            }
            5 => {
                let line = &mut lines[i];
                let cut = char_boundary(line, rng.below(line.len() + 1));
                line.truncate(cut);
            }
            _ => {
                lines.truncate(i + 1);
            }
        }
    }
    lines.join("\n")
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn mutated_pages_never_panic_or_hang() {
    let cases: usize = std::env::var("VOLCGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/docs");
    let mut seeds: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty());

    // Run in a worker so a hang is reported instead of stalling the suite.
    let (done_tx, done_rx) = mpsc::channel();
    let (progress_tx, progress_rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut rng = Rng(0x005e_ed0f_u64 ^ 0x9e37_79b9_7f4a_7c15);
        let mut parsed = 0usize;
        for case in 0..cases {
            let seed = &seeds[case % seeds.len()];
            let page = mutate(&mut rng, seed);
            let _ = progress_tx.send(page.clone());
            let result = std::panic::catch_unwind(|| {
                let parsed = xtask::parser::parse_page("fuzz.md", &page);
                if let Ok(p) = &parsed {
                    // What parses must also generate or fail cleanly.
                    let _ = codegen::generate(std::slice::from_ref(p), "spec/ir");
                }
                parsed.is_ok()
            });
            match result {
                Ok(true) => parsed += 1,
                Ok(false) => {}
                Err(_) => {
                    let _ = done_tx.send(Err(format!("case {case} panicked on:\n{page}")));
                    return;
                }
            }
        }
        let _ = done_tx.send(Ok(parsed));
    });
    let outcome = done_rx.recv_timeout(Duration::from_secs(120));
    let last = progress_rx.try_iter().last().unwrap_or_default();
    match outcome {
        Ok(Ok(parsed)) => {
            println!("{cases} mutated pages, {parsed} still parsed");
            assert!(
                parsed > 0,
                "no mutation kept a page valid; the fuzzer tests nothing"
            );
            assert!(
                parsed < cases,
                "every mutation parsed; the mutations do nothing"
            );
        }
        Ok(Err(msg)) => panic!("{msg}"),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the parser hung (no result within 120 s); last input:\n{last}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("fuzz worker died"),
    }
}
