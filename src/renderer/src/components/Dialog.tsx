/** A modal dialog on the native <dialog> element (focus trap and Escape come with it). */
import { useEffect, useRef, type ReactNode } from 'react'

export function Dialog({
  title,
  onClose,
  children,
  actions
}: {
  title: string
  onClose: () => void
  children: ReactNode
  actions: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  return (
    <dialog ref={ref} className="dialog" onCancel={onClose} aria-label={title}>
      <header className="dialog-title">{title}</header>
      <div className="dialog-body">{children}</div>
      <footer className="dialog-actions">{actions}</footer>
    </dialog>
  )
}
