import type { ReactNode } from 'react'
import type { Outcome, Verdict } from '../../../shared/trace'
import { OUTCOME_LABEL } from '../../../shared/outcome-labels'

export function OutcomePill({ outcome, title }: { outcome: Outcome; title?: string }) {
  return (
    <span className={`pill outcome-${outcome}`} title={title}>
      {OUTCOME_LABEL[outcome]}
    </span>
  )
}

const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'pass',
  changed: 'changed',
  stop: 'answered',
  error: 'error',
  skip: 'skipped'
}

export function VerdictPill({ verdict }: { verdict: Verdict }) {
  return <span className={`pill verdict-${verdict}`}>{VERDICT_LABEL[verdict]}</span>
}

export function Pill({
  tone,
  children,
  title
}: {
  tone: 'good' | 'bad' | 'warn' | 'neutral' | 'info'
  children: ReactNode
  title?: string
}) {
  return (
    <span className={`pill tone-${tone}`} title={title}>
      {children}
    </span>
  )
}

export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? 'bad' : status >= 400 ? 'warn' : status >= 300 ? 'info' : status > 0 ? 'good' : 'neutral'
  return <span className={`status tone-text-${tone}`}>{status || '—'}</span>
}
