//! The department tree: the 归口部门 of every division (from the shipped
//! division table) and the executing units a department sets up under it.

use crate::audit::{By, Change, record};
use crate::{Actor, App, AppError};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::{DepartmentCode, DepartmentKind};
use spotcheck_domain::jurisdiction::child_path;
use spotcheck_domain::role::Permission;
use spotcheck_store::StoreError;
use spotcheck_store::departments::{self, DepartmentRow, NewDepartment};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub code: String,
    pub name: String,
    /// `competent` (归口部门) or `unit` (执行单位).
    pub kind: String,
    pub kind_label: String,
    pub division_code: String,
    pub parent_code: Option<String>,
    /// 0 for the province, 1 for a prefecture, 2 for a county; units one deeper than their department.
    pub depth: usize,
    pub active: bool,
}

/// A new executing unit under a department.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewUnitInput {
    /// The code of the 归口部门 the unit belongs to.
    pub parent_code: String,
    pub name: String,
}

/// Renaming or (de)activating a unit.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct UnitUpdate {
    pub name: String,
    pub active: bool,
}

fn view(d: &DepartmentRow, parent_code: Option<String>) -> DepartmentView {
    DepartmentView {
        code: d.code.as_str().to_string(),
        name: d.name.clone(),
        kind: d.kind.code().to_string(),
        kind_label: d.kind.label().to_string(),
        division_code: d.division_code.clone(),
        parent_code,
        depth: d.depth(),
        active: d.active,
    }
}

fn check_unit_name(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=60).contains(&n) || s.chars().any(char::is_control) {
        return Err(AppError::invalid("name", "单位名称须为2–60个字"));
    }
    Ok(s.to_string())
}

impl App {
    /// The departments of the actor's jurisdiction, in tree order.
    pub async fn list_departments(&self, actor: &Actor) -> Result<Vec<DepartmentView>, AppError> {
        if !actor.may(Permission::ViewDepartments) && !actor.may(Permission::ManageUsers) {
            return Err(AppError::forbidden());
        }
        let rows = departments::list_in(self.store().conn(), &actor.jurisdiction()).await?;
        let codes: std::collections::HashMap<i64, String> =
            rows.iter().map(|d| (d.id, d.code.as_str().to_string())).collect();
        let parent_code = |d: &DepartmentRow| d.parent_id.and_then(|p| codes.get(&p).cloned());
        let mut out: Vec<DepartmentView> = rows.iter().map(|d| view(d, parent_code(d))).collect();
        // The root of a jurisdiction has its parent outside the scope; still name it.
        if let Some(first) = rows.first()
            && first.parent_id.is_some()
            && let Some(p) = departments::by_id(self.store().conn(), first.parent_id.unwrap_or_default()).await?
        {
            out[0].parent_code = Some(p.code.as_str().to_string());
        }
        Ok(out)
    }

    /// One department inside the jurisdiction, with its units.
    pub async fn get_department(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<(DepartmentView, Vec<DepartmentView>), AppError> {
        if !actor.may(Permission::ViewDepartments) && !actor.may(Permission::ManageUsers) {
            return Err(AppError::forbidden());
        }
        let d = departments::get_code_in(self.store().conn(), &actor.jurisdiction(), code)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let parent = match d.parent_id {
            Some(p) => departments::by_id(self.store().conn(), p)
                .await?
                .map(|p| p.code.as_str().to_string()),
            None => None,
        };
        let units = departments::units_of(self.store().conn(), d.id).await?;
        let code_s = d.code.as_str().to_string();
        Ok((
            view(&d, parent),
            units.iter().map(|u| view(u, Some(code_s.clone()))).collect(),
        ))
    }

    /// Sets up an executing unit under a 归口部门 of the jurisdiction.
    pub async fn create_unit(&self, actor: &Actor, input: &NewUnitInput) -> Result<DepartmentView, AppError> {
        actor.require(Permission::ManageDepartments)?;
        let name = check_unit_name(&input.name)?;
        let parent = self.department_in_scope(actor, &input.parent_code).await?;
        if parent.kind != DepartmentKind::Competent {
            return Err(AppError::invalid("parent_code", "执行单位只能设在归口部门之下"));
        }
        let tx = self.store().begin().await?;
        let existing = departments::units_of(&tx, parent.id).await?;
        if existing.iter().any(|u| u.name == name) {
            return Err(AppError::invalid(
                "name",
                format!("“{}”下已有名为“{name}”的单位", parent.name),
            ));
        }
        let next = existing
            .iter()
            .filter_map(|u| u.code.as_str().split_once('-').and_then(|(_, n)| n.parse::<u8>().ok()))
            .max()
            .unwrap_or(0)
            + 1;
        let code =
            DepartmentCode::unit(&parent.code.division(), next).map_err(|m| AppError::invalid("parent_code", m))?;
        let path = child_path(Some(&parent.path), &code);
        let row = departments::insert(
            &tx,
            NewDepartment {
                code: &code,
                name: &name,
                kind: DepartmentKind::ExecutingUnit,
                division_code: &parent.division_code,
                parent_id: Some(parent.id),
                path: &path,
                now: self.now(),
            },
        )
        .await?;
        let v = view(&row, Some(parent.code.as_str().to_string()));
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DepartmentCreated, "department", code.as_str())
                .in_department(code.as_str())
                .summary(format!("在{}下设立执行单位 {}（{}）", parent.name, name, code))
                .after(serde_json::json!({"code": v.code, "name": v.name, "parent": parent.code.as_str()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(v)
    }

    /// Renames or (de)activates an executing unit. The 归口部门 themselves
    /// come from the division table and are not edited by hand.
    pub async fn update_unit(&self, actor: &Actor, code: &str, input: &UnitUpdate) -> Result<DepartmentView, AppError> {
        actor.require(Permission::ManageDepartments)?;
        let d = departments::get_code_in(self.store().conn(), &actor.jurisdiction(), code)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        if d.kind != DepartmentKind::ExecutingUnit {
            return Err(AppError::Forbidden(
                "归口部门按行政区划设置，不能修改；只能修改执行单位".into(),
            ));
        }
        let name = check_unit_name(&input.name)?;
        let tx = self.store().begin().await?;
        departments::rename(&tx, d.id, &name, input.active).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DepartmentUpdated, "department", d.code.as_str())
                .in_department(d.code.as_str())
                .summary(format!(
                    "修改执行单位 {}：{}→{}{}",
                    d.code,
                    d.name,
                    name,
                    if d.active != input.active {
                        if input.active { "，启用" } else { "，停用" }
                    } else {
                        ""
                    }
                ))
                .before(serde_json::json!({"name": d.name, "active": d.active}))
                .after(serde_json::json!({"name": name, "active": input.active})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let row = departments::by_id(self.store().conn(), d.id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let parent = match row.parent_id {
            Some(p) => departments::by_id(self.store().conn(), p)
                .await?
                .map(|p| p.code.as_str().to_string()),
            None => None,
        };
        Ok(view(&row, parent))
    }
}
