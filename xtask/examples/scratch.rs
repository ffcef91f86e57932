use std::time::{Duration, Instant};
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xtask::{bench_corpus, regen};
fn min_of(mut f: impl FnMut()) -> Duration {
    (0..7)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}
fn main() {
    let root = regen::repo_root();
    let seeds = regen::read_docs(&root).unwrap();
    let docs = bench_corpus::make_pages(&seeds, 1000);
    let pages = regen::parse_all(&docs).unwrap();
    for threads in [1, 2] {
        let parse = min_of(|| {
            std::hint::black_box(codegen::parallel::map(&docs, threads, |(p, t)| {
                xtask::parser::parse_page(p, t).unwrap()
            }));
        });
        let ir = min_of(|| {
            std::hint::black_box(codegen::parallel::map(
                &pages,
                threads,
                codegen::ir::Page::to_yaml,
            ));
        });
        let code = min_of(|| {
            std::hint::black_box(
                codegen::generate_with_threads(&pages, regen::IR_DIR, threads).unwrap(),
            );
        });
        println!(
            "threads {threads}: parse {parse:?} ir {ir:?} code {code:?} sum {:?}",
            parse + ir + code
        );
    }
}
