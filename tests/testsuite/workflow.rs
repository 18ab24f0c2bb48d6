//! `.github/workflows/site.yml` does what the guide's "Publishing" section
//! promises. (`.ci/lint-workflows` checks it with actionlint; this checks
//! the promises, which no linter knows about.)

use std::path::Path;

use serde_yaml::Value;

fn workflow() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/site.yml");
    let text = std::fs::read_to_string(path).expect(".github/workflows/site.yml");
    serde_yaml::from_str(&text).expect("the workflow is YAML")
}

fn steps(job: &Value) -> Vec<&Value> {
    job["steps"]
        .as_sequence()
        .expect("a job has steps")
        .iter()
        .collect()
}

fn runs(job: &Value) -> Vec<String> {
    steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

fn uses(job: &Value) -> Vec<String> {
    steps(job)
        .iter()
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn runs_on_every_push_and_pull_request() {
    let workflow = workflow();
    let on = &workflow["on"];
    assert!(on.get("push").is_some() && on.get("pull_request").is_some());
    assert!(
        on.get("schedule").is_some(),
        "a nightly build publishes scheduled documents"
    );
}

#[test]
fn builds_oasis_once_with_a_cache_then_checks_and_builds_the_site() {
    let workflow = workflow();
    let build = &workflow["jobs"]["build"];
    assert!(uses(build).iter().any(|u| u.starts_with("actions/cache@")));
    let runs = runs(build);
    let cargo_builds = runs.iter().filter(|r| r.contains("cargo build")).count();
    assert_eq!(cargo_builds, 1, "oasis is built once: {runs:?}");
    let check = runs
        .iter()
        .position(|r| r.contains("oasis check"))
        .expect("a step runs oasis check");
    let site_builds: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.contains("oasis build"))
        .map(|(i, _)| i)
        .collect();
    assert!(!site_builds.is_empty() && site_builds.iter().all(|b| *b > check));
    assert!(
        runs.iter()
            .any(|r| r.contains("oasis build --base-url") && r.contains("PR_NUMBER")),
        "a pull request's preview has its own --base-url"
    );
    assert!(
        uses(build)
            .iter()
            .any(|u| u.starts_with("actions/upload-artifact@"))
    );
    assert!(
        uses(build)
            .iter()
            .any(|u| u.starts_with("actions/configure-pages@"))
    );
    assert!(
        uses(build)
            .iter()
            .any(|u| u.starts_with("actions/upload-pages-artifact@"))
    );
}

#[test]
fn deploys_main_to_pages_with_the_permissions_it_needs() {
    let workflow = workflow();
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    let condition = deploy["if"].as_str().expect("deploy only from main");
    assert!(condition.contains("refs/heads/main") && condition.contains("pull_request"));
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert!(
        uses(deploy)
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    assert_eq!(
        workflow["permissions"]["contents"].as_str(),
        Some("read"),
        "everything else runs with a read-only token"
    );
}

#[test]
fn the_guide_shows_the_commands_the_workflow_runs() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/GUIDE.md"))
            .expect("docs/GUIDE.md");
    let publishing = guide
        .split("\n## Publishing\n")
        .nth(1)
        .expect("the guide has a Publishing section");
    for run in runs(&workflow()["jobs"]["build"]) {
        for line in run
            .lines()
            .filter(|l| l.contains("cargo build") || l.contains("oasis "))
        {
            let command = line.split(" \"").next().unwrap_or(line).trim();
            assert!(
                publishing.contains(command),
                "the workflow runs `{command}`, which the guide's Publishing section does not show"
            );
        }
    }
}
