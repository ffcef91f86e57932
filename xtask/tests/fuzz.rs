//! A bounded mutation fuzzer on the stable toolchain: mutated documentation pages must never make
//! the parser (or the emitter, on what still parses) panic, abort or loop. Deterministic: a fixed
//! seed and a fixed number of cases (`VOLCGEN_FUZZ_CASES`, default 1500), so a failure reproduces.
//! Deep inputs (nesting far beyond any real page) must be rejected or handled, never overflow the
//! stack.
//!
//! A stack overflow aborts the whole process; no `catch_unwind` or thread boundary can contain it.
//! So each test re-runs this test binary as a child process limited to one worker test, which
//! prints `fuzz case: …` before each input; the parent reports the input the child died on (an abort,
//! a panic, or no end within the time limit) as an ordinary test failure.

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    // The billing family's: title, struct headings, opaque samples, curl and raw HTTP.
    "# A - 名称",
    " 对象结构",
    "| {} |",
    "| [] |",
    "object[]",
    "curl --location '",
    "--header 'Region: ",
    "--data '",
    "'",
    "\\",
    "Host: https://",
    "Credential=AK/20240101/cn-beijing/billing/request",
    "[去调试](https://api.volcengine.com/api-explorer/?action=",
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

/// Names the worker test a child process runs; unset in the parent.
const CHILD_ENV: &str = "VOLCGEN_FUZZ_CHILD";

/// Whether this process is the child started to run `worker`.
fn is_child(worker: &str) -> bool {
    std::env::var_os(CHILD_ENV).is_some_and(|w| w == worker)
}

/// How a child run ended.
struct ChildRun {
    /// `None` when it did not end within the limit (it was killed).
    status: Option<std::process::ExitStatus>,
    /// The last `fuzz case: …` line the child printed: the input it was on when it stopped.
    last_case: Option<String>,
    /// Everything else it printed, for the failure message.
    output: String,
}

/// Runs the worker test `worker` of this binary in a child process, at most `limit` long.
fn run_child(worker: &str, limit: Duration) -> ChildRun {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([worker, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, worker)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child test process");
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let (line_tx, line_rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = reader.join();
    let mut last_case = None;
    let mut output = String::new();
    for line in line_rx.try_iter() {
        match line.split_once(CASE_MARK) {
            Some((_, case)) => last_case = Some(case.to_owned()),
            None => {
                output.push_str(&line);
                output.push('\n');
            }
        }
    }
    output.push_str(&err_reader.join().unwrap_or_default());
    ChildRun {
        status,
        last_case,
        output,
    }
}

const CASE_MARK: &str = "fuzz case: ";

/// Announces the input a worker is about to try, for the parent to report if the child dies.
fn announce(case: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // On a line of its own: the test harness's `test name ... ` has no line end yet.
    let _ = writeln!(out, "\n{CASE_MARK}{case}");
    let _ = out.flush();
}

/// Parses `page` and, if it parses, generates its code; `true` when it parsed.
fn parse_and_generate(page: &str) -> bool {
    // What service settings supply to pages that do not state host and method (VikingDB's).
    let context = xtask::parser::Context {
        settings_file: None,
        service: Some("fuzz".into()),
        method: Some(volcgen_ir::Method::Post),
        endpoints: vec![volcgen_ir::RegionEndpoint {
            region: "cn-beijing".into(),
            host: "fuzz.example.com".into(),
        }],
        ..Default::default()
    };
    let parsed = xtask::parser::parse_page_in("fuzz.md", page, &context);
    if let Ok(p) = &parsed {
        // What parses must also generate or fail cleanly.
        let _ = codegen::generate(std::slice::from_ref(p), "spec/ir/x", "out/src/api", "x");
    }
    parsed.is_ok()
}

fn fuzz_cases() -> usize {
    std::env::var("VOLCGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

/// The mutated pages, in order: the same on every run. Seeds are the pages of every service folder.
fn mutated_pages(cases: usize) -> impl Iterator<Item = String> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/docs");
    let mut seeds: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).unwrap())
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty());
    let mut rng = Rng(0x005e_ed0f_u64 ^ 0x9e37_79b9_7f4a_7c15);
    (0..cases).map(move |case| mutate(&mut rng, &seeds[case % seeds.len()]))
}

#[test]
fn mutated_pages_never_panic_abort_or_hang() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let cases = fuzz_cases();
    let run = run_child("mutation_worker", Duration::from_secs(120));
    let case_page = || {
        let case: usize = run.last_case.as_deref()?.parse().ok()?;
        let page = mutated_pages(cases).nth(case)?;
        Some(format!("case {case}:\n{page}"))
    };
    match run.status {
        Some(status) if status.success() => {
            let summary = run.output.lines().find(|l| l.contains("mutated pages"));
            println!("{}", summary.unwrap_or("no summary"));
        }
        Some(status) => panic!(
            "the fuzz child failed ({status}) on {}\n{}",
            case_page().unwrap_or_default(),
            run.output
        ),
        None => panic!(
            "the parser hung (no result within 120 s) on {}",
            case_page().unwrap_or_default()
        ),
    }
}

/// The child's side of [`mutated_pages_never_panic_abort_or_hang`].
#[test]
fn mutation_worker() {
    if !is_child("mutation_worker") {
        return;
    }
    let cases = fuzz_cases();
    let mut parsed = 0usize;
    for (case, page) in mutated_pages(cases).enumerate() {
        announce(&case.to_string());
        if parse_and_generate(&page) {
            parsed += 1;
        }
    }
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

/// A small valid page whose body parameters are `rows` and which ends with `tail` (struct
/// tables) and the given response example.
fn page_with(rows: &str, tail: &str, response: &str) -> String {
    format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=Deep&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n\
         | AppId | String | 是 | `a` | 应用 |\n{rows}\n{tail}\n## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n\
         | Done | Boolean | `true` | 成功 |\n## 返回示例\n```json\n{response}\n```\n"
    )
}

const RESPONSE: &str = r#"{"Result": {"Done": true}}"#;

/// Inputs nested far deeper than any real page, by name.
fn deep_pages() -> Vec<(&'static str, String)> {
    let dotted_rows = |depth: usize| -> String {
        (1..=depth)
            .map(|d| format!("| {} | Object | 否 | - | 层 |\n", vec!["A"; d].join(".")))
            .collect()
    };
    let struct_chain = |depth: usize| -> String {
        let mut tail = String::new();
        for i in 0..depth {
            tail.push_str(&format!(
                "### S{i}\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n| Next | Object of S{} | 否 | - | 下一个 |\n",
                i + 1
            ));
        }
        tail.push_str(&format!(
            "### S{depth}\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n| Id | Long | 否 | `1` | ID |\n"
        ));
        tail
    };
    let row = |ty: String| format!("| Deep | {ty} | 否 | - | 深 |");
    let n = 100_000;
    vec![
        (
            "dotted rows 600 deep",
            page_with(&dotted_rows(600), "", RESPONSE),
        ),
        (
            "dotted rows 33 deep",
            page_with(&dotted_rows(33), "", RESPONSE),
        ),
        (
            "struct tables chained 15,000 deep",
            page_with(
                "| Item | Object of S0 | 否 | - | 链 |",
                &struct_chain(15_000),
                RESPONSE,
            ),
        ),
        (
            "`Array of` 100,000 deep",
            page_with(&row(format!("{}Long", "Array of ".repeat(n))), "", RESPONSE),
        ),
        (
            "`[]` 100,000 deep",
            page_with(&row(format!("Long{}", "[]".repeat(n))), "", RESPONSE),
        ),
        (
            "`Array<…>` 100,000 deep",
            page_with(
                &row(format!("{}Long{}", "Array<".repeat(n), ">".repeat(n))),
                "",
                RESPONSE,
            ),
        ),
        (
            "`Array of` 33 deep",
            page_with(
                &row(format!("{}Long", "Array of ".repeat(33))),
                "",
                RESPONSE,
            ),
        ),
        (
            "response example nested 100,000 deep",
            page_with("", "", &format!("{}{}", "[".repeat(n), "]".repeat(n))),
        ),
        (
            "block quotes 100,000 deep",
            format!("{}\n{}", ">".repeat(n), page_with("", "", RESPONSE)),
        ),
        (
            "lists 1,000 deep",
            format!(
                "{}\n{}",
                (0..1_000)
                    .map(|d| format!("{}- x\n", "  ".repeat(d)))
                    .collect::<String>(),
                page_with("", "", RESPONSE)
            ),
        ),
    ]
}

#[test]
fn deep_inputs_never_abort() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let run = run_child("deep_worker", Duration::from_secs(120));
    let case = run.last_case.unwrap_or_else(|| "(none started)".into());
    match run.status {
        Some(status) if status.success() => {}
        Some(status) => panic!("the child failed ({status}) on {case}\n{}", run.output),
        None => panic!("no result within 120 s; last input: {case}"),
    }
}

/// The child's side of [`deep_inputs_never_abort`]. Each input runs on a thread with a 1 MiB
/// stack: `cargo xtask regen` parses on 2 MiB worker threads, and debug frames are larger than
/// release ones, so what fits here fits there.
#[test]
fn deep_worker() {
    if !is_child("deep_worker") {
        return;
    }
    for (name, page) in deep_pages() {
        announce(name);
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse_and_generate(&page))
            .expect("spawn")
            .join()
            .unwrap_or_else(|_| panic!("{name}: panicked"));
    }
}
